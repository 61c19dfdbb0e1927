"""One module per input format; each turns the bytes or text of one file into results."""
