"""One module per step of the program; their order is ``reconciliation/program.py``."""
