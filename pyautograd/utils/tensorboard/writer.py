"""SummaryWriter: PyTorch's TensorBoard logger, writing event files TensorBoard reads."""
import os
import socket
import time
from datetime import datetime

from . import summaries


def _event_writer(logdir, max_queue, flush_secs, filename_suffix):
    try:
        from tensorboard.summary.writer.event_file_writer import EventFileWriter
    except ImportError as exc:
        raise ImportError("pyautograd.utils.tensorboard needs the tensorboard package: "
                          "pip install \"pyautograd[interop]\"") from exc
    return EventFileWriter(logdir, max_queue, flush_secs, filename_suffix)


class SummaryWriter:
    """Writes scalars, histograms, images, text, hyperparameters and the model graph to
    ``log_dir`` (default ``runs/<date>_<host><comment>``), as torch.utils.tensorboard's."""

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10, flush_secs=120, filename_suffix=""):
        if not log_dir:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", f"{stamp}_{socket.gethostname()}{comment}")
        self.log_dir = str(log_dir)
        self._settings = (max_queue, flush_secs, filename_suffix)
        self._writer = _event_writer(self.log_dir, *self._settings)
        self._children = {}  # add_scalars' per-tag writers

    def get_logdir(self):
        """The directory this writer writes into."""
        return self.log_dir

    def _write(self, summary, global_step=None, walltime=None, writer=None):
        from tensorboard.compat.proto import event_pb2
        event = event_pb2.Event(summary=summary, wall_time=time.time() if walltime is None else walltime)
        if global_step is not None:
            event.step = int(global_step)
        (writer or self._writer).add_event(event)

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False,
                   double_precision=False):
        """Logs one scalar (a number or one-element tensor) at ``global_step``."""
        self._write(summaries.scalar(tag, scalar_value), global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Logs several scalars on one chart: each in its own run directory ``main_tag_tag``."""
        for tag, value in tag_scalar_dict.items():
            name = f"{main_tag.replace('/', '_')}_{tag}"
            if name not in self._children:
                self._children[name] = _event_writer(os.path.join(self.log_dir, name), *self._settings)
            self._write(summaries.scalar(main_tag, value), global_step, walltime, self._children[name])

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None, max_bins=None):
        """Logs the distribution of `values`."""
        self._write(summaries.histogram(tag, values, bins, max_bins), global_step, walltime)

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        """Logs an image (float in [0, 1] or uint8; layout CHW by default, HWC, HW...)."""
        self._write(summaries.image(tag, img_tensor, dataformats), global_step, walltime)

    def add_images(self, tag, img_tensor, global_step=None, walltime=None, dataformats="NCHW"):
        """Logs a batch of images as one grid row (side by side)."""
        import numpy as np
        a = summaries.to_array(img_tensor)
        fmt = dataformats.upper()
        a = np.transpose(a, [fmt.index(d) for d in "NCHW"]) if "C" in fmt else a[:, None]
        self.add_image(tag, np.concatenate(list(a), axis=2), global_step, walltime, "CHW")

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        """Logs text (markdown) for the text dashboard."""
        self._write(summaries.text(tag, text_string), global_step, walltime)

    def add_hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None, run_name=None,
                    global_step=None):
        """Logs one run's hyperparameters and final metrics, in a sub-run as PyTorch's does."""
        if not isinstance(hparam_dict, dict) or not isinstance(metric_dict, dict):
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        run = os.path.join(self.log_dir, run_name or str(time.time()))
        with SummaryWriter(run) as sub:
            for s in summaries.hparams(hparam_dict, metric_dict):
                sub._write(s, global_step)
            for k, v in metric_dict.items():
                sub.add_scalar(k, v, global_step)

    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        """Logs the graph of one forward pass of `model` on `input_to_model`."""
        from tensorboard.compat.proto import event_pb2
        graph = summaries.graph(model, input_to_model)
        self._writer.add_event(event_pb2.Event(graph_def=graph.SerializeToString(), wall_time=time.time()))

    def flush(self):
        """Writes pending events to disk."""
        self._writer.flush()
        for w in self._children.values():
            w.flush()

    def close(self):
        """Flushes and closes the event files."""
        self._writer.close()
        for w in self._children.values():
            w.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
