"""parley: analyse multi-party negotiations such as peace talks."""
