"""The data package: loading and validation (:mod:`.loader`), the bibliography and the data docs."""

from tokenpower.data.loader import (
    DATA_DIR,
    DataError,
    DataPackage,
    Problem,
    load,
    package,
    validate_all,
)

__all__ = ["DATA_DIR", "DataError", "DataPackage", "Problem", "load", "package", "validate_all"]
