package builder

// Hooks of the export tests (package builder_test).

// SetExportZipLimits changes the caps of the attachments ZIP and returns
// a function that restores them.
func SetExportZipLimits(files int, bytes int64) (restore func()) {
	oldFiles, oldBytes := exportZipMaxFiles, exportZipMaxBytes
	exportZipMaxFiles, exportZipMaxBytes = files, bytes
	return func() { exportZipMaxFiles, exportZipMaxBytes = oldFiles, oldBytes }
}

// SetExportMaxXLSXRows changes how many rows an XLSX export may hold.
func SetExportMaxXLSXRows(n int) (restore func()) {
	old := exportMaxXLSXRows
	exportMaxXLSXRows = n
	return func() { exportMaxXLSXRows = old }
}

// CSVSafe and ZipSafeName expose the export's cell and file-name guards.
var (
	CSVSafe     = csvSafe
	ZipSafeName = zipSafeName
)
