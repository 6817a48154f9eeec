"""The region: areas, load components, queue, flex assets, weather and measured load.

Validation happens here, once, at the edge; the numeric core trusts what it gets.
"""

from netruimte.region.model import Region

__all__ = ["Region"]
