package builder

// exportRoutes registers the routes of this area (placeholder until it is built).
func (s *Server) exportRoutes() {}
