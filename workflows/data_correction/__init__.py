"""The reference multi-person process: correction of a person's own data, or of a student's.

A citizen asks from the catalogue (trámite ``correccion-de-datos-personales``) with evidence
attached; the ticket starts the process (``receivers.py``) and follows it. See ``flows.py``.
"""
