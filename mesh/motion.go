package mesh

import (
	"math"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

// rigidMotion is the prescribed motion of a wall, evaluated as a pose at
// a given time. A wall point x0 in the reference frame (the wall at t = 0)
// is at R(t)(x0 - a) + a + v t at time t, where R(t) rotates by the angle
// omega t about the unit axis k and a is AxisPoint.
type rigidMotion struct {
	velocity r3.Vec  // translation velocity, m/s
	omega    float64 // angular speed, rad/s
	axis     r3.Vec  // unit rotation axis, zero when not rotating
	point    r3.Vec  // a point on the rotation axis at t = 0, m
	moving   bool
}

func newRigidMotion(m cases.Motion) rigidMotion {
	rm := rigidMotion{velocity: m.Velocity, point: m.AxisPoint, moving: m.Moving()}
	if m.AngularSpeed != 0 {
		rm.omega = m.AngularSpeed
		rm.axis = r3.Unit(m.RotationAxis)
	}
	return rm
}

// pose is a rigid motion evaluated at one time: the rotation as cosine
// and sine of its angle, and the axis point carried by the translation.
type pose struct {
	identity bool
	cos, sin float64
	axis     r3.Vec // unit rotation axis
	origin   r3.Vec // original axis point a, m
	center   r3.Vec // axis point at time t, a + v t, m
	velocity r3.Vec // translation velocity, m/s
	omega    r3.Vec // angular velocity vector, rad/s
}

func (m rigidMotion) at(t float64) pose {
	if !m.moving {
		return pose{identity: true}
	}
	angle := m.omega * t
	return pose{
		cos:      math.Cos(angle),
		sin:      math.Sin(angle),
		axis:     m.axis,
		origin:   m.point,
		center:   r3.Add(m.point, r3.Scale(t, m.velocity)),
		velocity: m.velocity,
		omega:    r3.Scale(m.omega, m.axis),
	}
}

// rotate applies the rotation of the pose to a vector by the Rodrigues
// formula, v cos + (k x v) sin + k (k . v)(1 - cos); sign -1 applies the
// inverse rotation.
func (q pose) rotate(v r3.Vec, sign float64) r3.Vec {
	if q.identity || q.axis == (r3.Vec{}) {
		return v
	}
	s := sign * q.sin
	kv := r3.Dot(q.axis, v)
	out := r3.Scale(q.cos, v)
	out = r3.Add(out, r3.Scale(s, r3.Cross(q.axis, v)))
	return r3.Add(out, r3.Scale(kv*(1-q.cos), q.axis))
}

// toLocal maps a point at time t to the reference frame of the wall.
func (q pose) toLocal(x r3.Vec) r3.Vec {
	if q.identity {
		return x
	}
	return r3.Add(q.rotate(r3.Sub(x, q.center), -1), q.origin)
}

// toWorld maps a reference-frame point to its position at time t.
func (q pose) toWorld(x0 r3.Vec) r3.Vec {
	if q.identity {
		return x0
	}
	return r3.Add(q.rotate(r3.Sub(x0, q.origin), 1), q.center)
}

// vectorToWorld rotates a reference-frame direction to time t.
func (q pose) vectorToWorld(v r3.Vec) r3.Vec {
	if q.identity {
		return v
	}
	return q.rotate(v, 1)
}

// velocityAt returns the wall velocity at the world point x, m/s:
// v + omega x (x - c(t)), with c(t) the axis point at time t.
func (q pose) velocityAt(x r3.Vec) r3.Vec {
	if q.identity {
		return r3.Vec{}
	}
	return r3.Add(q.velocity, r3.Cross(q.omega, r3.Sub(x, q.center)))
}
