"""The control plane's logic, one module per resource.

Plain functions over `MockState` that take validated input and return
JSON-ready data, so they can be tested without HTTP. The routes in
`mockserver.http.control` only read the request and call them.
"""
