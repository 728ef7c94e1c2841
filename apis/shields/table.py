"""The shield routing table, and the one mapping of its rows to the API's `Shield`."""

from apis.common.errors import ShieldNotFoundError
from apis.common.routing_table import RoutingTable
from apis.shields.models import RegisteredShield
from apis.shields.schemas import Shield
from providers.spec import Api


def shield_to_schema(row: RegisteredShield) -> Shield:
    return Shield(
        identifier=row.identifier,
        provider_resource_id=row.provider_resource_id,
        provider_id=row.provider_id,
        params=row.params,
    )


SHIELDS: RoutingTable[RegisteredShield, Shield] = RoutingTable(
    model=RegisteredShield,
    resource_type="shield",
    provider_api=Api.safety,
    not_found=ShieldNotFoundError,
    to_schema=shield_to_schema,
    id_param="shield_id",
    provider_resource_param="provider_shield_id",
)
