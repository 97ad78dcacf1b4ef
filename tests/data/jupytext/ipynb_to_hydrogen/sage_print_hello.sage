# ---
# jupyter:
#   kernelspec:
#     display_name: SageMath 9.2
#     language: sage
#     name: sagemath
# ---

# %%
print("Hello world")
