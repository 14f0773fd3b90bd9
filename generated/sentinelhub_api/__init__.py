"""placeholder until regenerated"""
