"""Pure analysis: functions of the atlas connection and plain arguments that return plain data.

No printing, no HTTP, no file paths: the faces (CLI, API, web, report) call these and render.
"""
