//go:build !linux

package main

import (
	"errors"
	"net"
)

// peerUID is not available without SO_PEERCRED: the 0600 socket in the
// 0750 data directory is the only guard there.
func peerUID(net.Conn) (int, error) { return -1, errors.ErrUnsupported }
