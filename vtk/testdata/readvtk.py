"""Read VTK XML files with VTK's own readers and print their contents as JSON.

Usage: /usr/bin/python3 readvtk.py FILE...

Each FILE is a .vtp, .vtu, .vti or .pvd. A .pvd is parsed as XML and every
data set it lists is opened with the reader for its extension, in order,
because vtkPVDReader belongs to ParaView, not to VTK. Floats are printed
with repr, so they parse back to the same float64.
"""

import json
import os
import sys
import xml.etree.ElementTree as ET

import vtk
from vtk.util.numpy_support import vtk_to_numpy

READERS = {
    ".vtp": vtk.vtkXMLPolyDataReader,
    ".vtu": vtk.vtkXMLUnstructuredGridReader,
    ".vti": vtk.vtkXMLImageDataReader,
}


def array_values(arr):
    if isinstance(arr, vtk.vtkStringArray):
        return {"strings": [arr.GetValue(i) for i in range(arr.GetNumberOfValues())]}
    values = vtk_to_numpy(arr).reshape(-1).tolist()
    return {
        "type": arr.GetDataTypeAsString(),
        "components": arr.GetNumberOfComponents(),
        "tuples": arr.GetNumberOfTuples(),
        "values": values,
    }


def arrays(data):
    out = {}
    for i in range(data.GetNumberOfArrays()):
        arr = data.GetAbstractArray(i)
        out[arr.GetName()] = array_values(arr)
    return out


def read(path):
    ext = os.path.splitext(path)[1]
    reader = READERS[ext]()
    reader.SetFileName(path)
    reader.Update()
    if reader.GetErrorCode() != 0:
        raise SystemExit("vtk reader error %d on %s" % (reader.GetErrorCode(), path))
    ds = reader.GetOutput()
    out = {
        "file": os.path.basename(path),
        "class": ds.GetClassName(),
        "points": ds.GetNumberOfPoints(),
        "cells": ds.GetNumberOfCells(),
        "point_data": arrays(ds.GetPointData()),
        "cell_data": arrays(ds.GetCellData()),
        "field_data": arrays(ds.GetFieldData()),
    }
    if ext == ".vti":
        out["dims"] = list(ds.GetDimensions())
        out["origin"] = list(ds.GetOrigin())
        out["spacing"] = list(ds.GetSpacing())
    else:
        out["coords"] = vtk_to_numpy(ds.GetPoints().GetData()).reshape(-1).tolist()
        cells = []
        for c in range(ds.GetNumberOfCells()):
            ids = vtk.vtkIdList()
            ds.GetCellPoints(c, ids)
            cells.append([ds.GetCellType(c)] + [ids.GetId(k) for k in range(ids.GetNumberOfIds())])
        out["cell_points"] = cells
    return out


def main():
    result = []
    for path in sys.argv[1:]:
        if path.endswith(".pvd"):
            root = ET.parse(path).getroot()
            series = []
            for ds in root.iter("DataSet"):
                item = read(os.path.join(os.path.dirname(path), ds.get("file")))
                item["timestep"] = float(ds.get("timestep"))
                series.append(item)
            result.append({"file": os.path.basename(path), "series": series})
        else:
            result.append(read(path))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
