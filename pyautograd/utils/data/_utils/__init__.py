"""torch.utils.data._utils: the path scripts import the collate functions from
(``torch.utils.data._utils.collate.default_collate``)."""
from . import collate  # noqa: F401
