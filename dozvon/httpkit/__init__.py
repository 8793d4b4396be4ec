"""The HTTP kit the surfaces and the plug-ins' own routes share (issue 26): the API's
token auth, parser, renderer and error shapes (`api_common`), the request and response
models derived from the field declarations (`api_fields`, `api_schemas`), the order's
serializers (`api_serializers`). An engine-layer package, so a plug-in serves its API
router and pages without importing a surface."""
