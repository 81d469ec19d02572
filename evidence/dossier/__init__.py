"""The complaint-ready dossier: the letter, the PDF and the package for the police or the
procureur, built from plain data (see model.py) so that it needs no request."""
