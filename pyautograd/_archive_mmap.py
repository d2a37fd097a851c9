"""``load(..., mmap=True)``: arrays of a saved archive mapped from the file instead of read.

save() stores every array uncompressed (ZIP_STORED), so an ``arrays/<n>.npy`` member is a .npy
file lying at a fixed offset of the archive: its data can be mapped copy-on-write (as PyTorch's
mmap=True: writes change the tensor in memory, never the file). The member's sizes are checked
against the archive before mapping, so a forged header cannot map past the member.
"""
import struct
import zipfile

import numpy as np

__all__ = ["MappedZipFile"]

_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... file name length, extra field length


class MappedZipFile(zipfile.ZipFile):
    """A ZipFile opened on a path whose .npy members can be mapped with ``mapped_array(entry)``."""

    def __init__(self, path):
        super().__init__(path)
        self.mmap_path = path

    def mapped_array(self, entry):
        """The array of member `entry`, memory-mapped copy-on-write; ValueError if it cannot be."""
        info = self.getinfo(entry)
        if info.compress_type != zipfile.ZIP_STORED:
            raise ValueError(f"{entry} is compressed, so it cannot be memory-mapped")
        with open(self.mmap_path, "rb") as f:
            f.seek(info.header_offset)
            signature, name_len, extra_len = _LOCAL_HEADER.unpack(f.read(_LOCAL_HEADER.size))
            if signature != b"PK\x03\x04":
                raise ValueError(f"{entry} has a corrupt local header")
            start = info.header_offset + _LOCAL_HEADER.size + name_len + extra_len
            f.seek(start)
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
            else:
                raise ValueError(f"{entry} has an unsupported .npy version {version}")
            offset = f.tell()
        if dtype.hasobject:
            raise ValueError(f"{entry} holds Python objects (it would need pickle)")
        count = int(np.prod(shape, dtype=np.int64))
        if offset + count * dtype.itemsize > start + info.file_size:
            raise ValueError(f"{entry} declares shape {shape} of {dtype}, more than its {info.file_size} bytes")
        if count == 0:
            return np.zeros(shape, dtype)
        return np.memmap(self.mmap_path, dtype=dtype, mode="c", offset=offset, shape=shape,
                         order="F" if fortran else "C")
