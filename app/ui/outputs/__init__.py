"""What a cell shows under it: streams, rich values, tables, images, charts."""
