"""The embedded broker: messages appear in the queue folder whole, never half written."""

import os

from kombu import Connection

from stackproject.broker import FilesystemTransport


def test_messages_round_trip_and_partial_files_are_never_read(tmp_path) -> None:
    options = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path), "store_processed": False}
    with Connection("filesystem://", transport=FilesystemTransport, transport_options=options) as connection:
        channel = connection.default_channel
        # What a writer leaves behind while it is still writing: a dot-file no queue matches.
        (tmp_path / ".123_abc.jobs.msg.partial").write_bytes(b'{"trunc')
        channel._put("jobs", {"body": "one"})
        channel._put("jobs", {"body": "two"})
        assert {channel._get("jobs")["body"], channel._get("jobs")["body"]} == {"one", "two"}
        assert sorted(os.listdir(tmp_path)) == [".123_abc.jobs.msg.partial"]
        assert channel._size("jobs") == 0
