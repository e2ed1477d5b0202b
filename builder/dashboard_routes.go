package builder

// dashboardRoutes registers the routes of this area (placeholder until it is built).
func (s *Server) dashboardRoutes() {}
