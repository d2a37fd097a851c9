"""The first code of every rank started by ``pyautograd.distributed.run``: gives the process
torchrun's environment (RANK, LOCAL_RANK, WORLD_SIZE, ...) from MPI's, then runs the user's
script (or ``-m module``) as ``__main__`` with its own arguments, as ``python script.py`` would."""
import os
import runpy
import sys

from .launch_env import fill_torchrun_variables


def main(argv):
    """argv: [script, args...] or ["-m", module, args...]."""
    fill_torchrun_variables()
    if argv and argv[0] == "-m":
        sys.argv = argv[1:]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        return
    script = argv[0]
    sys.argv = list(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
