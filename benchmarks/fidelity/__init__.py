"""The fidelity measure: does a generated model accept exactly what its schema accepts?"""
