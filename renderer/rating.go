package renderer

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// The rating at the end of every flow (Designers Italia criterion C.SE.1.7)
// takes two posts to the same URL and works without JavaScript: the receipt
// posts the stars; the follow-up page carries them in a hidden field with
// the question that depends on them, and its post stores the rating.

// ratingPhaseDetails marks the follow-up page's post (field "fase").
const ratingPhaseDetails = "dettagli"

// starsView is the star form on the receipt.
type starsView struct {
	Action string
	Error  string
}

// ratingView is the data of the follow-up page.
type ratingView struct {
	FormTitle string
	Number    string
	Stars     int
	Positive  bool
	Action    string
	ChangeURL string
	Options   []ratingOption
	Comment   string
	MaxChars  int
	Errors    []errorLink
	// ReasonError and CommentError are the inline messages.
	ReasonError, CommentError string
}

// ratingOption is one answer to the follow-up question.
type ratingOption struct {
	ID, Key, Label string
	Checked        bool
}

// rating handles both posts of the rating. Every problem in the citizen's
// input is a 422 page with the error summary; a second rating of the same
// request is a 409 page.
func (s *Server) rating(c echo.Context) error {
	if s.cfg.Ratings == nil {
		return echo.ErrNotFound
	}
	sub, compiled, err := s.submissionByToken(c)
	if err != nil {
		return err
	}
	lang := langOf(c)
	stars, err := strconv.Atoi(strings.TrimSpace(c.FormValue("valutazione")))
	if err != nil || stars < modulario.MinRatingStars || stars > modulario.MaxRatingStars {
		return s.renderReceipt(c, sub, compiled, http.StatusUnprocessableEntity, msg.T(lang, "rating.err_stars"))
	}
	v := s.newRatingView(c, sub, compiled.Def, stars)
	if c.FormValue("fase") != ratingPhaseDetails {
		return s.renderRating(c, http.StatusOK, v)
	}
	reason, comment := c.FormValue("motivo"), strings.TrimSpace(c.FormValue("testo"))
	v.check(lang, reason, comment)
	if len(v.Errors) > 0 {
		return s.renderRating(c, http.StatusUnprocessableEntity, v)
	}
	r := &modulario.Rating{
		FormSlug: sub.FormSlug, Version: sub.Version, SubmissionID: sub.ID,
		Stars: stars, Reason: reason, Comment: comment, Channel: modulario.ChannelWeb,
	}
	err = s.cfg.Ratings.CreateRating(c.Request().Context(), r)
	if modulario.ErrorCode(err) == modulario.ECONFLICT {
		p := s.newPage(c, msg.T(lang, "rating.already_title"),
			&errorView{Status: http.StatusConflict, Message: msg.T(lang, "rating.already")})
		return s.render(c, http.StatusConflict, "error", p)
	} else if err != nil {
		return err
	}
	p := s.newPage(c, msg.T(lang, "rating.thanks_title"), nil)
	return s.render(c, http.StatusOK, "thanks", p)
}

// newRatingView prepares the follow-up page for stars.
func (s *Server) newRatingView(c echo.Context, sub *modulario.Submission, def *schemas.Definition, stars int) *ratingView {
	lang := langOf(c)
	v := &ratingView{
		FormTitle: def.Title, Number: sub.Number, Stars: stars,
		Positive:  modulario.RatingIsPositive(stars),
		Action:    link(c, "/pratiche/"+sub.Token+"/valutazione"),
		ChangeURL: link(c, "/pratiche/"+sub.Token+"/ricevuta") + "#feedback-title",
		MaxChars:  modulario.MaxRatingCommentRunes,
	}
	branch := "rating.negative."
	if v.Positive {
		branch = "rating.positive."
	}
	for _, key := range modulario.RatingReasons {
		v.Options = append(v.Options, ratingOption{ID: "motivo-" + key, Key: key, Label: msg.T(lang, branch+key)})
	}
	return v
}

// check validates the follow-up answers, keeping them for the page.
func (v *ratingView) check(lang, reason, comment string) {
	v.Comment = comment
	known := false
	for i := range v.Options {
		if v.Options[i].Key == reason {
			v.Options[i].Checked, known = true, true
		}
	}
	if !known {
		v.ReasonError = msg.T(lang, "rating.err_reason")
		v.Errors = append(v.Errors, errorLink{Href: "#" + v.Options[0].ID, Message: v.ReasonError})
	}
	if n := utf8.RuneCountInString(comment); n > modulario.MaxRatingCommentRunes {
		v.CommentError = msg.T(lang, "rating.err_comment", modulario.MaxRatingCommentRunes, n)
		v.Errors = append(v.Errors, errorLink{Href: "#feedback-text", Message: v.CommentError})
	}
}

// renderRating writes the follow-up page with status.
func (s *Server) renderRating(c echo.Context, status int, v *ratingView) error {
	p := s.newPage(c, msg.T(langOf(c), "rating.title")+": "+v.FormTitle, v)
	p.markErrors(len(v.Errors))
	return s.render(c, status, "rating", p)
}
