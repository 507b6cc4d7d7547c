"""``torch.utils.tensorboard.SummaryWriter``: scalars, groups of scalars, histograms and
text, written as real TensorBoard event files through the ``tensorboard`` package (an
optional extra: ``pip install -e ".[tensorboard]"``).

    writer = SummaryWriter("runs/mnist")
    writer.add_scalar("loss/train", loss.item(), step)
    writer.close()        # then: tensorboard --logdir runs
"""

import functools
import os
import socket
import time
from datetime import datetime

import numpy as np

from .._missing import missing, module_getattr

try:
    from tensorboard.compat.proto.event_pb2 import Event
    from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
    from tensorboard.compat.proto.tensor_pb2 import TensorProto
    from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
    from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData
    from tensorboard.summary.writer.event_file_writer import EventFileWriter
except ImportError as exc:  # the package is an optional extra
    raise ImportError(
        "torch.utils.tensorboard needs the tensorboard package, an optional extra of "
        'tinygrad_scores: pip install -e ".[tensorboard]" (or pip install tensorboard)'
    ) from exc


def _number(value):
    """A float from a Python number, a NumPy scalar or a one-element tensor."""
    return float(value.item() if hasattr(value, "item") else value)


def _values(values):
    array = values.detach().numpy() if hasattr(values, "detach") else values
    return np.asarray(array, np.float64).ravel()


@functools.cache
def _tensorflow_bins():
    """TensorBoard's default buckets: from 1e-12 growing by 10% up to 1e20, mirrored
    below 0."""
    positive, v = [], 1e-12
    while v < 1e20:
        positive.append(v)
        v *= 1.1
    return np.array([-v for v in reversed(positive)] + [0.0] + positive)


def _histogram(values, bins):
    """A HistogramProto: only the buckets from the first to the last non-empty one, each
    given by its right edge, after an empty bucket that marks where the first begins."""
    if values.size == 0:
        raise ValueError("The input has no element.")
    counts, edges = np.histogram(values, bins=_tensorflow_bins() if bins == "tensorflow" else bins)
    filled = np.flatnonzero(counts)
    first, last = filled[0], filled[-1]
    return HistogramProto(
        min=float(values.min()),
        max=float(values.max()),
        num=values.size,
        sum=float(values.sum()),
        sum_squares=float(values @ values),
        bucket_limit=edges[first : last + 2].tolist(),
        bucket=[0.0, *counts[first : last + 1].tolist()],
    )


def _text(tag, text):
    metadata = SummaryMetadata(
        plugin_data=SummaryMetadata.PluginData(
            plugin_name="text", content=TextPluginData(version=0).SerializeToString()
        )
    )
    tensor = TensorProto(
        dtype="DT_STRING",
        string_val=[text.encode("utf-8")],
        tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]),
    )
    return Summary(
        value=[Summary.Value(tag=tag + "/text_summary", metadata=metadata, tensor=tensor)]
    )


class SummaryWriter:
    """Writes events for TensorBoard into ``log_dir`` (by default
    ``runs/<date>_<host><comment>``, as PyTorch names it)."""

    def __init__(
        self,
        log_dir=None,
        comment="",
        purge_step=None,
        max_queue=10,
        flush_secs=120,
        filename_suffix="",
    ):
        if not log_dir:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", stamp + "_" + socket.gethostname() + comment)
        self.log_dir = os.fspath(log_dir)
        self.max_queue, self.flush_secs = max_queue, flush_secs
        self.filename_suffix = filename_suffix
        self._writers = {}
        writer = self._writer(self.log_dir)
        if purge_step is not None:  # TensorBoard drops later events of an earlier run
            writer.add_event(Event(step=purge_step, file_version="brain.Event:2"))

    def _writer(self, log_dir):
        if log_dir not in self._writers:
            self._writers[log_dir] = EventFileWriter(
                log_dir, self.max_queue, self.flush_secs, self.filename_suffix
            )
        return self._writers[log_dir]

    def _add(self, summary, global_step, walltime, log_dir=None):
        event = Event(summary=summary, wall_time=time.time() if walltime is None else walltime)
        if global_step is not None:
            event.step = int(global_step)
        self._writer(log_dir or self.log_dir).add_event(event)

    def get_logdir(self):
        return self.log_dir

    def add_scalar(
        self,
        tag,
        scalar_value,
        global_step=None,
        walltime=None,
        new_style=False,
        double_precision=False,
    ):
        """One point of the curve ``tag`` (a number or a one-element tensor)."""
        value = Summary.Value(tag=tag, simple_value=_number(scalar_value))
        self._add(Summary(value=[value]), global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Several curves in one chart: each goes to its own run directory,
        ``<log_dir>/<main_tag>_<tag>``, under the tag ``main_tag``, as in PyTorch."""
        walltime = time.time() if walltime is None else walltime
        for tag, value in tag_scalar_dict.items():
            log_dir = os.path.join(self.log_dir, main_tag.replace("/", "_") + "_" + tag)
            summary = Summary(value=[Summary.Value(tag=main_tag, simple_value=_number(value))])
            self._add(summary, global_step, walltime, log_dir)

    def add_histogram(
        self, tag, values, global_step=None, bins="tensorflow", walltime=None, max_bins=None
    ):
        """The distribution of ``values`` (a tensor or array); ``bins`` as NumPy's
        ``histogram`` takes them, or ``"tensorflow"``, TensorBoard's own buckets."""
        histogram = _histogram(_values(values), bins)
        self._add(Summary(value=[Summary.Value(tag=tag, histo=histogram)]), global_step, walltime)

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        self._add(_text(tag, text_string), global_step, walltime)

    def flush(self):
        for writer in self._writers.values():
            writer.flush()

    def close(self):
        for writer in self._writers.values():
            writer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        raise missing(f"torch.utils.tensorboard.SummaryWriter.{name}")


__getattr__ = module_getattr(__name__, "torch.utils.tensorboard")
