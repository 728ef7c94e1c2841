from ninja import Router


def create_router(impl: object) -> Router:
    return Router(tags=["Batches"])
