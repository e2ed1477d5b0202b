package notify

import (
	"errors"
	"net/netip"
	"testing"
)

func TestNetPolicyCheck(t *testing.T) {
	onPrem := netip.MustParsePrefix("10.1.2.0/24")
	tests := []struct {
		ip      string
		policy  NetPolicy
		allowed bool
	}{
		{"93.184.216.34", NetPolicy{}, true},
		{"2a00:1450:4002:416::200e", NetPolicy{}, true},
		{"127.0.0.1", NetPolicy{}, false},
		{"::1", NetPolicy{}, false},
		{"::ffff:127.0.0.1", NetPolicy{}, false},
		{"169.254.169.254", NetPolicy{}, false},
		{"169.254.169.254", NetPolicy{AllowPrivate: true}, false},
		{"fe80::1", NetPolicy{}, false},
		{"10.0.0.5", NetPolicy{}, false},
		{"172.16.3.4", NetPolicy{}, false},
		{"192.168.1.1", NetPolicy{}, false},
		{"fd12:3456::1", NetPolicy{}, false},
		{"0.0.0.0", NetPolicy{}, false},
		{"::", NetPolicy{}, false},
		{"224.0.0.1", NetPolicy{}, false},
		{"255.255.255.255", NetPolicy{}, false},
		{"192.168.1.1", NetPolicy{AllowPrivate: true}, true},
		{"127.0.0.1", NetPolicy{AllowPrivate: true}, false},
		{"10.1.2.9", NetPolicy{AllowedNetworks: []netip.Prefix{onPrem}}, true},
		{"10.1.3.9", NetPolicy{AllowedNetworks: []netip.Prefix{onPrem}}, false},
	}
	for _, tt := range tests {
		err := tt.policy.Check(netip.MustParseAddr(tt.ip))
		if (err == nil) != tt.allowed {
			t.Errorf("%s with %+v: err %v, want allowed=%v", tt.ip, tt.policy, err, tt.allowed)
		}
		if err != nil && !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("%s: error %v does not wrap ErrForbiddenAddress", tt.ip, err)
		}
	}
}

func TestParseAllowedNetworks(t *testing.T) {
	got, err := ParseAllowedNetworks(" 10.1.0.0/16, 192.168.1.5 ,, fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.1.0.0/16", "192.168.1.5/32", "fd00::/8"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("prefix %d = %s, want %s", i, got[i], want[i])
		}
	}
	if _, err := ParseAllowedNetworks("10.0.0.0/33"); err == nil {
		t.Error("bad prefix accepted")
	}
}
