package builder

// RouteEntry is a staff route as recorded by route, for the role matrix.
type RouteEntry = routeEntry

// RouteTable returns every staff route registered so far.
func (s *Server) RouteTable() []RouteEntry { return append([]RouteEntry(nil), s.table...) }

// CanSeeOffice exposes canSeeOffice to tests.
var CanSeeOffice = canSeeOffice
