"""An SMTP handler for aiosmtpd that keeps every message it accepts.

Started by the integration tests as
    /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.Sink DIR
with this folder on PYTHONPATH. Each accepted message is written to DIR as
NNNN.eml (the envelope recipients in an X-Envelope-To header first), through
a temporary name and a rename, so that a reader never sees half a file.
"""
import itertools
import os


class Sink:
    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self.counter = itertools.count(len(os.listdir(directory)) + 1)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("smtp_sink.Sink takes one argument: the directory")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope):
        n = next(self.counter)
        path = os.path.join(self.directory, "%04d.eml" % n)
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            data = envelope.original_content or envelope.content
            if isinstance(data, str):
                data = data.encode()
            f.write(data)
        os.rename(tmp, path)
        return "250 OK"
