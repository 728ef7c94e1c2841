"""Remote inference providers: adapters in front of model services reached over HTTP."""
