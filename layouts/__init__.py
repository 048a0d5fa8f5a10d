"""Pure layout functions: values in, Dash component trees out; every id comes from `ids`."""
