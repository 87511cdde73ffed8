"""The command line's messages in French and Spanish."""
