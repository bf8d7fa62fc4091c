"""The client side: connect to Temporal, start workflows, send answers, list and show."""

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from settings import Settings


async def connect(settings: Settings) -> Client:
    """A Temporal client for the configured cluster, speaking pydantic."""
    if settings.temporal_address is None:
        raise RuntimeError("TEMPORAL_ADDRESS is not set")
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
    )
