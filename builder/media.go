package builder

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// mediaPath is the image library; logoPath chooses the comune's logo.
const (
	mediaPath = "/admin/media"
	logoPath  = "/admin/impostazioni/logo"
)

// mediaRoutes registers the image library (editors) and the logo choice
// (admins).
func (s *Server) mediaRoutes() {
	ed := modulario.RoleEditor
	s.route(http.MethodGet, mediaPath, s.mediaList, ed)
	s.route(http.MethodPost, mediaPath, s.mediaUpload, ed)
	s.route(http.MethodPost, mediaPath+"/:id/elimina", s.mediaDelete, ed)
	s.route(http.MethodGet, logoPath, s.logoPage, modulario.RoleAdmin)
	s.route(http.MethodPost, logoPath, s.logoSave, modulario.RoleAdmin)
}

// mediaView is the data of the image library and of the logo page.
type mediaView struct {
	Media  []*modulario.Media
	Alt    string
	Fields map[string]string
	// Logo is the ID of the current logo (logo page only).
	Logo string
}

// Snippet is the Markdown that places an image in a page.
func (v *mediaView) Snippet(m *modulario.Media) string {
	alt := strings.NewReplacer("[", "", "]", "", "\n", " ").Replace(m.Alt)
	return "![" + alt + "](/media/" + m.ID + ")"
}

// mediaList shows the uploaded images with their Markdown snippets.
func (s *Server) mediaList(c echo.Context) error {
	return s.renderMedia(c, http.StatusOK, "", nil)
}

func (s *Server) renderMedia(c echo.Context, status int, alt string, errs []FieldError) error {
	list, err := s.cfg.Media.ListMedia(c.Request().Context())
	if err != nil {
		return err
	}
	mv := &mediaView{Media: list, Alt: alt, Fields: map[string]string{}}
	for _, e := range errs {
		mv.Fields[e.ID] = e.Message
	}
	v := s.view(c, s.t(c, "media.title"), "pages", mv)
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "pages.title"), URL: pagesPath}, Crumb{Label: v.Title})
	v.Errors = errs
	return s.render(c, status, "media", v)
}

// mediaUpload stores an uploaded image re-encoded (EXIF gone), scaled to
// at most 1600 pixels wide, with its required alternative text.
func (s *Server) mediaUpload(c echo.Context) error {
	alt := strings.TrimSpace(c.FormValue("alt"))
	var errs []FieldError
	if alt == "" || utf8.RuneCountInString(alt) > 250 {
		errs = append(errs, FieldError{ID: "media-alt", Message: s.t(c, "media.err.alt")})
	}
	fh, err := c.FormFile("immagine")
	if err != nil {
		if !errors.Is(err, http.ErrMissingFile) {
			return err
		}
		errs = append(errs, FieldError{ID: "media-file", Message: s.t(c, "media.err.missing")})
	}
	var m *modulario.Media
	if fh != nil {
		if m, err = s.readImage(c, fh); err != nil {
			code := modulario.ErrorCode(err)
			if code != modulario.EINVALID && code != modulario.EUNSUPPORTED && code != modulario.ETOOLARGE {
				return err
			}
			errs = append(errs, FieldError{ID: "media-file", Message: modulario.ErrorMessage(err)})
		}
	}
	if len(errs) > 0 {
		return s.renderMedia(c, http.StatusUnprocessableEntity, alt, errs)
	}
	m.Alt = alt
	if err := s.cfg.Media.PutMedia(c.Request().Context(), m); err != nil {
		return err
	}
	s.audit(c, "media.upload", "media:"+m.ID, m.Name)
	return s.redirect(c, mediaPath, "media.uploaded")
}

// readImage reads and processes one uploaded file.
func (s *Server) readImage(c echo.Context, fh *multipart.FileHeader) (*modulario.Media, error) {
	if fh.Size > maxMediaBytes {
		return nil, modulario.Errorf(modulario.ETOOLARGE, "%s", s.t(c, "media.err.size"))
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxMediaBytes+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxMediaBytes {
		return nil, modulario.Errorf(modulario.ETOOLARGE, "%s", s.t(c, "media.err.size"))
	}
	img, err := processImage(raw, func(key string) string { return s.t(c, key) })
	if err != nil {
		return nil, err
	}
	name := fh.Filename
	if utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name) {
		name = "immagine"
	}
	return &modulario.Media{Name: name, ContentType: img.ContentType, Size: int64(len(img.Data)),
		Width: img.Width, Height: img.Height, Data: img.Data}, nil
}

// mediaDelete removes an image (pages that show it lose it).
func (s *Server) mediaDelete(c echo.Context) error {
	id := c.Param("id")
	err := s.cfg.Media.DeleteMedia(c.Request().Context(), id)
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return modulario.Errorf(modulario.ENOTFOUND, "%s", s.t(c, "media.not_found"))
	} else if err != nil {
		return err
	}
	s.audit(c, "media.delete", "media:"+id, "")
	return s.redirect(c, mediaPath, "media.deleted")
}

// logoPage lets an admin choose the logo among the uploaded images.
func (s *Server) logoPage(c echo.Context) error {
	ctx := c.Request().Context()
	st, err := s.cfg.Settings.Settings(ctx)
	if err != nil {
		return err
	}
	list, err := s.cfg.Media.ListMedia(ctx)
	if err != nil {
		return err
	}
	v := s.view(c, s.t(c, "logo.title"), "settings", &mediaView{Media: list, Logo: st.LogoMedia})
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "nav.settings"), URL: "/admin/impostazioni"}, Crumb{Label: v.Title})
	return s.render(c, http.StatusOK, "media_logo", v)
}

// logoSave stores the chosen logo ("" for the default emblem).
func (s *Server) logoSave(c echo.Context) error {
	ctx := c.Request().Context()
	id := c.FormValue("logo")
	if id != "" {
		if _, err := s.cfg.Media.FindMedia(ctx, id); modulario.ErrorCode(err) == modulario.ENOTFOUND {
			return modulario.Errorf(modulario.EINVALID, "%s", s.t(c, "media.not_found"))
		} else if err != nil {
			return err
		}
	}
	st, err := s.cfg.Settings.Settings(ctx)
	if err != nil {
		return err
	}
	st.LogoMedia = id
	st.UpdatedBy = userOf(c).ID
	if err := s.cfg.Settings.SaveSettings(ctx, st); err != nil {
		return err
	}
	s.audit(c, "settings.logo", "settings", id)
	return s.redirect(c, logoPath, "logo.saved")
}
