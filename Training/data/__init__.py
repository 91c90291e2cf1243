"""Training data synthesis for reexpose: HDR clips, simulated LDR and events.

Entry point: ``python3 -m Training.data.synth --help`` (or ``make data``).
"""
