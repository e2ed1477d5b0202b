package themes

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Bootstrap Italia 2.x fixes its primary palette at SCSS compile time from
// $primary-h/s/b. Rather than run Sass at run time, Recolor rewrites every
// colour literal of the compiled CSS that belongs to the primary family:
// hue within hueSpread of 210° and saturated (greys tinted blue keep their
// colour), mapped to the new hue, saturation and brightness with its
// relative lightness kept, so #0066cc becomes the new colour exactly and its
// darker and lighter shades follow.
const (
	hueSpread = 12.0
	minSat    = 0.5
)

var (
	cssHex = regexp.MustCompile(`(#|%23)([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b`)
	cssRGB = regexp.MustCompile(`(?i)rgba?\(\s*([0-9.]+)\s*,\s*([0-9.]+)\s*,\s*([0-9.]+)\s*(?:,\s*([0-9.]+%?|var\([^()]*\))\s*)?\)`)
	cssHSL = regexp.MustCompile(`(?i)hsla?\(\s*([0-9.]+)(?:deg)?\s*,\s*([0-9.]+)%\s*,\s*([0-9.]+)%\s*(?:,\s*([0-9.]+%?)\s*)?\)`)
	// cssRGBVar matches the bare channel triples of --bs-*-rgb properties.
	cssRGBVar = regexp.MustCompile(`(--bs-[a-z0-9-]*-rgb:\s*)([0-9.]+),\s*([0-9.]+),\s*([0-9.]+)`)
)

// inPrimaryFamily reports whether c is one of the default primary's shades.
func inPrimaryFamily(c rgb) bool {
	x := c.toHSB()
	return x.s >= minSat && math.Abs(x.h-defaultPrimary.h) <= hueSpread
}

// shift maps a primary-family colour to the target palette.
func shift(c rgb, target hsb) rgb {
	x := c.toHSB()
	return hsb{
		h: x.h - defaultPrimary.h + target.h,
		s: math.Min(1, x.s*target.s/defaultPrimary.s),
		b: math.Min(1, x.b*target.b/defaultPrimary.b),
	}.toRGB(c.a)
}

// Recolor returns css with every primary-family colour literal (hex,
// %23-encoded hex in data: URLs, rgb/rgba, hsl/hsla and --bs-*-rgb
// triples) mapped to the palette of primary (#rrggbb).
func Recolor(css []byte, primary string) ([]byte, error) {
	p, ok := parseHex(primary)
	if !ok || !hexColor.MatchString(primary) {
		return nil, fmt.Errorf("themes: bad primary colour %q", primary)
	}
	target := p.toHSB()
	out := cssHex.ReplaceAllFunc(css, func(m []byte) []byte {
		sub := cssHex.FindSubmatch(m)
		c, _ := parseHex(string(sub[2]))
		if !inPrimaryFamily(c) {
			return m
		}
		return []byte(string(sub[1]) + shift(c, target).hex()[1:])
	})
	out = cssRGB.ReplaceAllFunc(out, func(m []byte) []byte {
		sub := cssRGB.FindSubmatch(m)
		c, alpha, ok := parseChannels(sub[1:4], sub[4])
		if !ok || !inPrimaryFamily(c) {
			return m
		}
		n := shift(c, target)
		if alpha == "" {
			return []byte(fmt.Sprintf("rgb(%d,%d,%d)", clampByte(n.r), clampByte(n.g), clampByte(n.b)))
		}
		return []byte(fmt.Sprintf("rgba(%d,%d,%d,%s)", clampByte(n.r), clampByte(n.g), clampByte(n.b), alpha))
	})
	out = cssHSL.ReplaceAllFunc(out, func(m []byte) []byte { return recolorHSL(m, target) })
	out = cssRGBVar.ReplaceAllFunc(out, func(m []byte) []byte {
		sub := cssRGBVar.FindSubmatch(m)
		c, _, ok := parseChannels(sub[2:5], nil)
		if !ok || !inPrimaryFamily(c) {
			return m
		}
		n := shift(c, target)
		return []byte(fmt.Sprintf("%s%d, %d, %d", sub[1], clampByte(n.r), clampByte(n.g), clampByte(n.b)))
	})
	return out, nil
}

func recolorHSL(m []byte, target hsb) []byte {
	sub := cssHSL.FindSubmatch(m)
	h, e1 := strconv.ParseFloat(string(sub[1]), 64)
	s, e2 := strconv.ParseFloat(string(sub[2]), 64)
	l, e3 := strconv.ParseFloat(string(sub[3]), 64)
	if e1 != nil || e2 != nil || e3 != nil {
		return m
	}
	c := hslToRGB(h, s/100, l/100, 1)
	if !inPrimaryFamily(c) {
		return m
	}
	nh, ns, nl := shift(c, target).toHSL()
	if len(sub[4]) > 0 {
		return []byte(fmt.Sprintf("hsla(%.0f, %.1f%%, %.1f%%, %s)", nh, ns*100, nl*100, sub[4]))
	}
	return []byte(fmt.Sprintf("hsl(%.0f, %.1f%%, %.1f%%)", nh, ns*100, nl*100))
}

// parseChannels reads three channel numbers and an optional alpha.
func parseChannels(ch [][]byte, alpha []byte) (rgb, string, bool) {
	var v [3]float64
	for i, b := range ch {
		f, err := strconv.ParseFloat(string(b), 64)
		if err != nil || f > 255 {
			return rgb{}, "", false
		}
		v[i] = f
	}
	return rgb{r: v[0], g: v[1], b: v[2], a: 1}, string(alpha), true
}

// maxRecolored bounds the recoloured stylesheets kept in memory; a comune
// has one colour, a few more cover staff trying colours out.
const maxRecolored = 4

// recolored caches the recoloured Bootstrap Italia stylesheets of an Assets.
type recolored struct {
	mu      sync.Mutex
	byColor map[string]*asset
	byPath  sync.Map // hashed path → *asset, read by ServeHTTP without the lock
}

// PrimaryCSSURL returns the hashed URL of Bootstrap Italia recoloured to
// primary (#rrggbb), deriving and compressing it on first use; an empty or
// default colour returns the stock stylesheet's URL.
func (a *Assets) PrimaryCSSURL(primary string) (string, error) {
	primary = strings.ToLower(primary)
	if primary == "" || primary == "#0066cc" {
		return a.URL(requiredAsset), nil
	}
	rc := &a.recolor
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if as, ok := rc.byColor[primary]; ok {
		return urlPrefix + as.hashedPath, nil
	}
	base, ok := a.byName[requiredAsset]
	if !ok {
		return "", ErrAssetsMissing
	}
	css, err := Recolor(base.body, primary)
	if err != nil {
		return "", err
	}
	as, err := newAsset(requiredAsset, css, nil)
	if err != nil {
		return "", err
	}
	if rc.byColor == nil || len(rc.byColor) >= maxRecolored {
		for _, old := range rc.byColor {
			rc.byPath.Delete(old.hashedPath)
		}
		rc.byColor = map[string]*asset{}
	}
	rc.byColor[primary] = as
	rc.byPath.Store(as.hashedPath, as)
	return urlPrefix + as.hashedPath, nil
}

// lookup finds an asset by hashed path, the recoloured ones included.
func (a *Assets) lookup(p string) (*asset, bool) {
	if as, ok := a.byPath[p]; ok {
		return as, true
	}
	if v, ok := a.recolor.byPath.Load(p); ok {
		return v.(*asset), true
	}
	return nil, false
}
