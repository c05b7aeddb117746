package mesh

import (
	"errors"

	"gonum.org/v1/gonum/spatial/r3"
)

// triMesh is a triangle mesh wall.
type triMesh struct{ shape }

// TODO: triangle mesh contacts are being written; until then stl walls
// are rejected.
func newTriMesh(tris [][3]r3.Vec) (*triMesh, error) {
	return nil, errors.New("triangle mesh walls are not implemented yet")
}
