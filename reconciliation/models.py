"""The five steps of the program. Models arrive with the five-step issue."""
