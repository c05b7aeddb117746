"""Open .pvd collections with ParaView's own PVDReader and print, as JSON,
each collection's time steps and, at every time step, the number of
points and cells and the point and cell array names.

Usage: pvbatch pvdcheck.py FILE.pvd...
"""

import json
import sys

from paraview.simple import PVDReader


def main():
    out = []
    for path in sys.argv[1:]:
        reader = PVDReader(FileName=path)
        times = list(reader.TimestepValues)
        steps = []
        for t in times:
            reader.UpdatePipeline(t)
            info = reader.GetDataInformation()
            steps.append({
                "time": t,
                "points": info.GetNumberOfPoints(),
                "cells": info.GetNumberOfCells(),
                "point_arrays": sorted(reader.PointData.keys()),
                "cell_arrays": sorted(reader.CellData.keys()),
            })
        out.append({"file": path, "times": times, "steps": steps})
    sys.stdout.write("PVDCHECK" + json.dumps(out) + "\n")


main()
