#!/usr/bin/env python3
"""Test fixture: a hostile git:// server (loopback only) that never lets a clone or fetch finish.

Prints "PORT <n>" on stdout once listening on 127.0.0.1 (a random free port).

Usage: hostile_git_server.py --mode trickle|endless-pack [--log FILE]
  trickle       after the negotiation, one progress byte per second (sideband channel 2), forever
  endless-pack  after the negotiation, a pack that claims a million 32 KiB objects (32 GB) and keeps sending them
Both stop by themselves after --max-seconds (default 120) or --max-bytes (default 3 GiB) per connection, so a
client that never gives up cannot make this server run for ever. --log gets one line per connection:
"SENT <bytes>" when it ends.
"""
import argparse
import os
import socket
import struct
import sys
import threading
import time
import zlib

OID = "1" * 40  # never sent: the client gives up before it could look for it


def pkt(data: bytes) -> bytes:
    return b"%04x" % (len(data) + 4) + data


def read_pkt(f):
    head = f.read(4)
    if len(head) < 4:
        return None
    n = int(head, 16)
    return b"" if n == 0 else f.read(n - 4)


def blob_object(size: int) -> bytes:
    """A pack entry: a blob of `size` random bytes, stored (zlib level 0) so that every byte goes on the wire."""
    content = os.urandom(size)
    header = bytearray()
    b = (3 << 4) | (size & 0x0F)
    size >>= 4
    while size:
        header.append(b | 0x80)
        b = size & 0x7F
        size >>= 7
    header.append(b)
    return bytes(header) + zlib.compress(content, 0)


def serve(conn, args):
    sent = 0
    started = time.monotonic()
    try:
        f = conn.makefile("rb")
        read_pkt(f)  # "git-upload-pack /path\0host=...\0"
        caps = b"side-band-64k ofs-delta agent=hostile"
        conn.sendall(pkt(OID.encode() + b" HEAD\0" + caps + b"\n") + pkt(OID.encode() + b" refs/heads/main\n") + b"0000")
        while True:  # wants, flush, then "done"
            line = read_pkt(f)
            if line is None:
                return
            if line.startswith(b"done"):
                break
        conn.sendall(pkt(b"NAK\n"))
        if args.mode == "endless-pack":
            conn.sendall(pkt(b"\x01PACK" + struct.pack(">II", 2, 1000000)))
        while time.monotonic() - started < args.max_seconds and sent < args.max_bytes:
            if args.mode == "trickle":
                conn.sendall(pkt(b"\x02."))
                sent += 6
                time.sleep(1)
            else:
                obj = blob_object(32 * 1024)
                for i in range(0, len(obj), 65000):
                    chunk = pkt(b"\x01" + obj[i:i + 65000])
                    conn.sendall(chunk)
                    sent += len(chunk)
    except OSError:
        pass
    finally:
        conn.close()
        if args.log:
            with open(args.log, "a") as log:
                log.write("SENT %d\n" % sent)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["trickle", "endless-pack"], required=True)
    ap.add_argument("--log")
    ap.add_argument("--max-seconds", type=float, default=120)
    ap.add_argument("--max-bytes", type=int, default=3 << 30)
    args = ap.parse_args()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    print("PORT %d" % srv.getsockname()[1], flush=True)
    srv.settimeout(args.max_seconds)
    while True:
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            return
        threading.Thread(target=serve, args=(conn, args), daemon=True).start()


if __name__ == "__main__":
    main()
