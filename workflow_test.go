package modulario_test

import (
	"testing"

	"github.com/modulario/modulario"
)

func TestTransitions(t *testing.T) {
	m := modulario.StatusReceived
	cases := []struct {
		from, to  modulario.SubmissionStatus
		byCitizen bool
		want      bool
	}{
		{m, modulario.StatusInCharge, false, true},
		{m, modulario.StatusConcluded, false, false},
		{m, modulario.StatusWithdrawn, false, false},
		{m, modulario.StatusWithdrawn, true, true},
		{modulario.StatusInCharge, modulario.StatusWaiting, false, true},
		{modulario.StatusWaiting, modulario.StatusIntegrated, true, true},
		{modulario.StatusInCharge, modulario.StatusIntegrated, true, false},
		{modulario.StatusConcluded, modulario.StatusWithdrawn, true, false},
		{modulario.StatusConcluded, modulario.StatusInCharge, false, false},
		{modulario.StatusIntegrated, modulario.StatusConcluded, false, true},
	}
	for _, c := range cases {
		if got := modulario.CanTransition(c.from, c.to, c.byCitizen); got != c.want {
			t.Errorf("CanTransition(%s, %s, %v) = %v, want %v", c.from, c.to, c.byCitizen, got, c.want)
		}
	}
	for _, st := range modulario.Statuses {
		if st.Closed() && len(modulario.NextStatuses(st)) != 0 {
			t.Errorf("closed status %s has next statuses", st)
		}
	}
}
