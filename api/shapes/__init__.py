"""The API's wire shapes: one module per noun, each holding the pydantic models of that noun's requests and answers.

A package of its own (not a module next to each endpoint) because the OpenAPI document needs every shape at once
(`api.shapes.document`), the endpoint modules are shared by several changes at a time, and a shape is read more often
than it is changed: an integrator reads `api/shapes/boards.py` as the contract of the board endpoints.
`api.shapes.routes` is the route table (method, path, summary, shapes, errors) the document is generated from.
"""
