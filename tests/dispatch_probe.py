"""Which backend the kernel dispatcher ran: test and benchmark tooling, not library code.

The optimizer kernel tests (tests/kernels/test_optim.py) check the dispatcher's choices
with it, and the kernel benchmark (bench/kernels.py) reports the choice beside each timing.
"""
import sys


def dispatcher_choice(fn):
    """Runs fn() once and reports which backend the dispatcher ran: 'C' or 'NumPy'.

    Watches the Python calls made during fn: any function of pyautograd.kernels._c means
    the C wrapper was chosen (the C wrappers and the NumPy reference share their argument
    checks, kernels/checks, which therefore say nothing either way).
    """
    seen = []

    def profile(frame, event, arg):
        if event == "call" and frame.f_globals.get("__name__", "").startswith("pyautograd.kernels._c"):
            seen.append(True)

    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return "C" if seen else "NumPy"
