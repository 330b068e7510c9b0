#!/usr/bin/env python3
"""Modbus TCP server for the driver's tests and the benchmark, built on pymodbus.

Usage: modbus_server.py PORT [LIFETIME_SECONDS]

Listens on 127.0.0.1:PORT only. Exits when its standard input closes (the Java process that started it
is gone) or after LIFETIME_SECONDS (default 600), whichever comes first. Register contents are computed
here with struct, independently of the Java codec, and listed in the README of the test layout below.
"""
import logging
import os
import struct
import sys
import threading

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server import StartTcpServer


def words(fmt, value):
    """Big-endian 16-bit words of a packed value."""
    raw = struct.pack(">" + fmt, value)
    return list(struct.unpack(">%dH" % (len(raw) // 2), raw))


def word_swapped(ws):
    return list(reversed(ws))


def byte_swapped(ws):
    return [((w & 0xFF) << 8) | (w >> 8) for w in ws]


def holding():
    hr = [0] * 200
    hr[0] = 1234                                   # int16
    hr[1] = struct.unpack(">H", struct.pack(">h", -2))[0]   # int16 -2
    hr[2:4] = words("i", 123456)                   # int32
    hr[4:6] = words("f", 21.5)                     # float32
    hr[6:8] = word_swapped(words("f", 21.5))       # float32, low word first (isRegisterSwap)
    hr[8] = byte_swapped([4660])[0]                # 0x1234 with bytes swapped (isSwap)
    hr[10:14] = words("d", 3.14159)                # float64
    hr[14:16] = list(struct.unpack(">2H", b"ABCD"))  # text
    hr[20] = 250                                   # scale 0.1 -> 25
    hr[22:24] = byte_swapped(word_swapped(words("i", -100000)))  # int32, both swaps
    hr[30] = 0                                     # writable setpoint
    hr[31] = 0
    hr[32:34] = [0, 0]                             # writable float32
    hr[40:44] = words("q", -9000000000)            # int64
    hr[50:150] = list(range(100))                  # benchmark block
    return hr


def inputs():
    ir = [0] * 50
    ir[0] = 321
    ir[1:3] = words("f", -1.25)
    return ir


def main():
    port = int(sys.argv[1])
    lifetime = float(sys.argv[2]) if len(sys.argv) > 2 else 600.0
    logging.basicConfig(level=logging.WARNING)

    co = [False] * 64
    co[0] = True
    co[2] = True
    co[5:9] = [True, False, True, True]           # 0b1101 = 13 as int, "1011" as bits
    di = [False] * 64
    di[1] = True

    store = ModbusSlaveContext(
        di=ModbusSequentialDataBlock(0, di),
        co=ModbusSequentialDataBlock(0, co),
        hr=ModbusSequentialDataBlock(0, holding()),
        ir=ModbusSequentialDataBlock(0, inputs()),
        zero_mode=True,
    )
    context = ModbusServerContext(slaves=store, single=True)

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(1024):
                pass
        finally:
            os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    threading.Timer(lifetime, lambda: os._exit(0)).start()
    print("serving on 127.0.0.1:%d" % port, flush=True)
    StartTcpServer(context=context, address=("127.0.0.1", port))


if __name__ == "__main__":
    main()
