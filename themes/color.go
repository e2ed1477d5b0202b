package themes

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// rgb is a colour with channels in 0..255 (fractions allowed, as Dart Sass
// writes them) and alpha in 0..1.
type rgb struct{ r, g, b, a float64 }

// hsb is hue (degrees), saturation and brightness (0..1): the model
// Bootstrap Italia derives its primary palette from.
type hsb struct{ h, s, b float64 }

// defaultPrimary is Bootstrap Italia's $primary: hsb(210°, 100%, 80%) = #0066cc.
var defaultPrimary = hsb{h: 210, s: 1, b: 0.8}

// hexColor matches a #rrggbb colour as stored in Settings.PrimaryColor.
var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// MinContrast is the WCAG 2.1 AA contrast ratio for normal text: white
// text on the primary colour (buttons, header) must reach it.
const MinContrast = 4.5

// CheckPrimary validates a primary colour for the citizen pages: it must be
// #rrggbb and white text on it must have a contrast ratio of at least 4.5:1.
// The error message is Italian and safe to show to staff.
func CheckPrimary(hex string) error {
	c, ok := parseHex(hex)
	if !ok || !hexColor.MatchString(hex) {
		return fmt.Errorf("il colore %q non è valido: usa il formato #rrggbb, ad esempio #0066cc", hex)
	}
	ratio := ContrastWithWhite(c)
	if ratio < MinContrast {
		return fmt.Errorf("il colore %s ha un contrasto di %.2f:1 con il testo bianco: "+
			"serve almeno %.1f:1 (WCAG 2.1 AA), scegli una tonalità più scura", strings.ToLower(hex), ratio, MinContrast)
	}
	return nil
}

// PrimaryContrast returns the contrast ratio of white text on hex (#rrggbb),
// or 0 when hex is not a valid colour.
func PrimaryContrast(hex string) float64 {
	c, ok := parseHex(hex)
	if !ok {
		return 0
	}
	return ContrastWithWhite(c)
}

// ContrastWithWhite is the WCAG contrast ratio of white on c.
func ContrastWithWhite(c rgb) float64 {
	return 1.05 / (luminance(c) + 0.05)
}

// luminance is the WCAG relative luminance of c.
func luminance(c rgb) float64 {
	lin := func(v float64) float64 {
		v /= 255
		if v <= 0.03928 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

// parseHex reads #rgb or #rrggbb (with or without the '#').
func parseHex(s string) (rgb, bool) {
	s = strings.TrimPrefix(s, "#")
	if len(s) == 3 {
		s = string([]byte{s[0], s[0], s[1], s[1], s[2], s[2]})
	}
	if len(s) != 6 {
		return rgb{}, false
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return rgb{}, false
	}
	return rgb{r: float64(v >> 16), g: float64(v >> 8 & 0xff), b: float64(v & 0xff), a: 1}, true
}

// hex formats c as #rrggbb.
func (c rgb) hex() string {
	return fmt.Sprintf("#%02x%02x%02x", clampByte(c.r), clampByte(c.g), clampByte(c.b))
}

func clampByte(v float64) int {
	return int(math.Round(math.Max(0, math.Min(255, v))))
}

// toHSB converts c to hue, saturation, brightness.
func (c rgb) toHSB() hsb {
	r, g, b := c.r/255, c.g/255, c.b/255
	hi, lo := math.Max(r, math.Max(g, b)), math.Min(r, math.Min(g, b))
	d := hi - lo
	var h float64
	switch {
	case d == 0:
		h = 0
	case hi == r:
		h = 60 * math.Mod((g-b)/d, 6)
	case hi == g:
		h = 60 * ((b-r)/d + 2)
	default:
		h = 60 * ((r-g)/d + 4)
	}
	if h < 0 {
		h += 360
	}
	s := 0.0
	if hi > 0 {
		s = d / hi
	}
	return hsb{h: h, s: s, b: hi}
}

// toRGB converts back, keeping alpha a.
func (x hsb) toRGB(a float64) rgb {
	h := math.Mod(x.h, 360)
	if h < 0 {
		h += 360
	}
	c := x.b * x.s
	k := c * (1 - math.Abs(math.Mod(h/60, 2)-1))
	m := x.b - c
	var r, g, b float64
	switch {
	case h < 60:
		r, g, b = c, k, 0
	case h < 120:
		r, g, b = k, c, 0
	case h < 180:
		r, g, b = 0, c, k
	case h < 240:
		r, g, b = 0, k, c
	case h < 300:
		r, g, b = k, 0, c
	default:
		r, g, b = c, 0, k
	}
	return rgb{r: (r + m) * 255, g: (g + m) * 255, b: (b + m) * 255, a: a}
}

// hslToRGB converts CSS hsl() values (h degrees, s and l in 0..1).
func hslToRGB(h, s, l, a float64) rgb {
	v := l + s*math.Min(l, 1-l)
	sv := 0.0
	if v > 0 {
		sv = 2 * (1 - l/v)
	}
	return hsb{h: h, s: sv, b: v}.toRGB(a)
}

// toHSL returns CSS hsl() values of c (h degrees, s and l in 0..1).
func (c rgb) toHSL() (h, s, l float64) {
	x := c.toHSB()
	l = x.b * (1 - x.s/2)
	if l > 0 && l < 1 {
		s = (x.b - l) / math.Min(l, 1-l)
	}
	return x.h, s, l
}
