"""Readers of the official files, one module per source.

A reader knows one official format and nothing else: it checks the shape and the types and
returns tidy pandas DataFrames with the source's own meaning kept (codes as published,
footnotes and suppression markers kept). It never joins sources; that is the bundle's job.
"""
