"""``python -m pyautograd.distributed.run``: torchrun's command line, starting ranks with MPI.

    python -m pyautograd.distributed.run --nproc-per-node 2 train.py --lr 0.1
    python -m pyautograd.distributed.run --nnodes 2 --nproc-per-node 4 --hostfile hosts train.py

Every rank gets RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT as
torchrun gives them. The ranks are started by the MPI library's ``mpiexec`` (the mpich wheel's,
or the one named by PYAUTOGRAD_MPIEXEC); on several machines MPI starts them all from one
command, so multi-node runs take a ``--hostfile`` (or run under a scheduler: ``srun --mpi=pmi2
python train.py``) instead of one launcher per node.
"""
import argparse
import os
import shutil
import sys
import sysconfig


def _parser():
    p = argparse.ArgumentParser(prog="python -m pyautograd.distributed.run",
                                description="Start N processes of a training script on MPI, with torchrun's "
                                            "environment variables.")
    p.add_argument("--nproc-per-node", "--nproc_per_node", dest="nproc_per_node", default="1",
                   help="processes per node (an integer; 'cpu' or 'auto' mean one per core)")
    p.add_argument("--nnodes", default="1", help="number of nodes (needs --hostfile when more than 1)")
    p.add_argument("--node-rank", "--node_rank", dest="node_rank", type=int, default=0,
                   help="accepted for torchrun compatibility; MPI starts every node from one command, so it "
                        "must be 0")
    p.add_argument("--master-addr", "--master_addr", dest="master_addr", default="127.0.0.1",
                   help="MASTER_ADDR given to the ranks (MPI does not need it)")
    p.add_argument("--master-port", "--master_port", dest="master_port", default="29500",
                   help="MASTER_PORT given to the ranks")
    p.add_argument("--standalone", action="store_true", help="a single-node job (the default)")
    p.add_argument("--hostfile", help="an MPI host file: one host per line (host[:slots])")
    p.add_argument("-m", "--module", action="store_true", help="run the script argument as a module (python -m)")
    p.add_argument("script", help="the training script (or module with -m)")
    p.add_argument("script_args", nargs=argparse.REMAINDER, help="arguments passed to the script")
    return p


def mpiexec_path():
    """The mpiexec to use: $PYAUTOGRAD_MPIEXEC, the one beside this Python (the mpich wheel's), or PATH's."""
    explicit = os.environ.get("PYAUTOGRAD_MPIEXEC")
    if explicit:
        return explicit
    beside = os.path.join(sysconfig.get_path("scripts"), "mpiexec")
    if os.path.exists(beside):
        return beside
    found = shutil.which("mpiexec")
    if found is None:
        raise SystemExit("pyautograd.distributed.run: no mpiexec found; pip install \"pyautograd[distributed]\" "
                         "(it brings the mpich wheel) or set PYAUTOGRAD_MPIEXEC")
    return found


def command(args):
    """The mpiexec command line for parsed arguments."""
    per_node = os.cpu_count() if args.nproc_per_node in ("cpu", "auto") else int(args.nproc_per_node)
    nnodes = int(str(args.nnodes).split(":")[-1])
    if per_node < 1 or nnodes < 1:
        raise SystemExit("pyautograd.distributed.run: --nproc-per-node and --nnodes must be at least 1")
    if args.node_rank != 0:
        raise SystemExit("pyautograd.distributed.run: MPI starts every node's ranks from one command; run the "
                         "launcher once (node rank 0) with --hostfile listing the nodes")
    if nnodes > 1 and not args.hostfile:
        raise SystemExit("pyautograd.distributed.run: --nnodes > 1 needs --hostfile (the machines to start ranks "
                         "on), or start the job with your scheduler, e.g. srun --mpi=pmi2 python train.py")
    cmd = [mpiexec_path(), "-n", str(per_node * nnodes)]
    if args.hostfile:
        cmd += ["-f", args.hostfile, "-ppn", str(per_node)]
    target = ["-m", args.script] if args.module else [args.script]
    return cmd + [sys.executable, "-u", "-m", "pyautograd.distributed.bootstrap"] + target + args.script_args


def main(argv=None):
    """Parses torchrun-style arguments and replaces this process by mpiexec."""
    args = _parser().parse_args(argv)
    cmd = command(args)
    os.environ["MASTER_ADDR"] = args.master_addr
    os.environ["MASTER_PORT"] = str(args.master_port)
    sys.stdout.flush()
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
