package adapter

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLanesRunConcurrently(t *testing.T) {
	// Each request blocks until all four are inside the handler: only concurrent lanes
	// get all four through.
	var inside int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		atomic.AddInt32(&inside, 1)
		for deadline := time.Now().Add(5 * time.Second); atomic.LoadInt32(&inside) < 4; {
			if time.Now().After(deadline) {
				w.WriteHeader(http.StatusGatewayTimeout)
				return
			}
			time.Sleep(100 * time.Microsecond)
		}
	})
	s := sched(get(0, "/"), get(1, "/"), get(2, "/"), get(3, "/"))
	out := Run(h, s, quiet())
	noFinding(t, out)
	allAnswered(t, out, 200)
}

func TestStepsOfALaneRunInOrder(t *testing.T) {
	var mu sync.Mutex
	seen := map[int][]int{} // lane -> n values in arrival order
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Duration(param(r, "us")) * time.Microsecond)
		mu.Lock()
		seen[param(r, "lane")] = append(seen[param(r, "lane")], param(r, "n"))
		mu.Unlock()
	})
	s := &Schedule{Lanes: 3}
	for n := 0; n < 8; n++ {
		for lane := 0; lane < 3; lane++ {
			us := (8 - n) * 100 * (lane + 1) // earlier steps are slower
			s.Steps = append(s.Steps, get(lane, "/seq?lane="+itoa(lane)+"&n="+itoa(n)+"&us="+itoa(us)))
		}
	}
	out := Run(h, s, quiet())
	noFinding(t, out)
	allAnswered(t, out, 200)
	for lane := 0; lane < 3; lane++ {
		for n, got := range seen[lane] {
			if got != n {
				t.Fatalf("lane %d ran %v, want 0..7 in order", lane, seen[lane])
			}
		}
	}
	for i := 3; i < len(out.Results); i++ { // same lane, consecutive steps: 3 apart
		if prev := out.Results[i-3]; out.Results[i].Start < prev.End {
			t.Fatalf("step %d started at %v before step %d ended at %v", i,
				out.Results[i].Start, i-3, prev.End)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestDelayIsHonouredAndCapped(t *testing.T) {
	s := sched(get(0, "/a"), Step{Lane: 0, Method: "GET", Target: "/b", Delay: 5 * time.Millisecond},
		Step{Lane: 0, Method: "GET", Target: "/c", Delay: time.Hour})
	opt := quiet()
	opt.MaxDelay = 10 * time.Millisecond
	out := Run(ok, s, opt)
	noFinding(t, out)
	r := out.Results
	if gap := r[1].Start - r[0].End; gap < 5*time.Millisecond {
		t.Fatalf("5ms delay step started %v after the previous step ended", gap)
	}
	if gap := r[2].Start - r[1].End; gap < 10*time.Millisecond || gap > time.Second {
		t.Fatalf("capped 1h delay waited %v, want 10ms (MaxDelay)", gap)
	}
}

func TestJitterIsSeededAndBounded(t *testing.T) {
	s := sched(get(0, "/"), get(0, "/"), get(1, "/"))
	s.Flags, s.JitterSeed = FlagJitter, 42
	a, b := delays(s, 2, time.Millisecond), delays(s, 2, time.Millisecond)
	for run := range a {
		for i := range a[run] {
			if a[run][i] != b[run][i] || a[run][i] < 0 || a[run][i] >= MaxJitter {
				t.Fatalf("jitter run %d step %d: %v vs %v", run, i, a[run][i], b[run][i])
			}
		}
	}
	s.Flags = 0
	if d := delays(s, 1, time.Millisecond); d[0][0] != 0 {
		t.Fatalf("jitter without FlagJitter: %v", d[0][0])
	}
}

func TestRepeatRunsWholeScheduleInTurn(t *testing.T) {
	s := sched(get(0, "/sleep?us=300"), get(1, "/sleep?us=100"), get(1, "/sleep?us=100"))
	s.Repeat = 3
	out := Run(sleepy(), s, quiet())
	noFinding(t, out)
	allAnswered(t, out, 200)
	if len(out.Results) != 9 {
		t.Fatalf("%d results, want 9", len(out.Results))
	}
	for k, res := range out.Results {
		if res.Run != k/3 || res.Step != k%3 {
			t.Fatalf("result %d is run %d step %d", k, res.Run, res.Step)
		}
		if res.Run > 0 {
			for _, prev := range out.Results[(res.Run-1)*3 : res.Run*3] {
				if res.Start < prev.End {
					t.Fatalf("run %d step %d started before run %d step %d ended", res.Run,
						res.Step, prev.Run, prev.Step)
				}
			}
		}
	}
	s.Repeat = 1000
	if out := Run(ok, s, quiet()); len(out.Results) != 3*MaxRepeat {
		t.Fatalf("repeat 1000: %d results, want %d", len(out.Results), 3*MaxRepeat)
	}
}

func TestUnparsableTargetIsSkippedNotAFinding(t *testing.T) {
	s := sched(get(0, "/%zz"), Step{Lane: 0, Method: "BAD METHOD", Target: "/"}, get(0, "x"),
		Step{Lane: -1, Method: "GET", Target: "/"})
	var targets []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		targets = append(targets, r.RequestURI+" "+r.URL.Path)
	})
	out := Run(h, s, quiet())
	noFinding(t, out)
	for i, res := range out.Results {
		if (i == 2) != (res.Err == "") {
			t.Errorf("step %d: err %q status %d", i, res.Err, res.Status)
		}
	}
	if len(targets) != 1 || targets[0] != "/x /x" {
		t.Fatalf("handler saw %q, want [\"/x /x\"]", targets)
	}
}

func TestRequestLooksLikeAServerRequest(t *testing.T) {
	var got *http.Request
	var body []byte
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		buf := make([]byte, 64)
		n, _ := r.Body.Read(buf)
		body = buf[:n]
		w.Header().Set("X-Out", "1")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"id":"o-9"}`))
	})
	hdr := http.Header{"Host": {"shop.example"}, "Authorization": {"Bearer t"}}
	s := sched(Step{Method: "POST", Target: "/v1/orders?x=1", Header: hdr, Body: []byte("{}")})
	opt := quiet()
	opt.KeepExchanges = true
	out := Run(h, s, opt)
	noFinding(t, out)
	if got.Host != "shop.example" || got.Header.Get("Host") != "" || got.URL.Host != "" ||
		got.URL.RawQuery != "x=1" || got.RequestURI != "/v1/orders?x=1" ||
		got.Header.Get("Authorization") != "Bearer t" || got.ContentLength != 2 ||
		string(body) != "{}" || got.Context().Err() != nil {
		t.Fatalf("request %+v body %q", got, body)
	}
	if _, has := hdr["Host"]; !has {
		t.Fatal("Run modified the step's header")
	}
	x := out.Exchanges[0]
	if res := out.Results[0]; res.Status != 201 || res.BodyDigest != digest([]byte(`{"id":"o-9"}`)) ||
		x.Status != 201 || x.Header.Get("X-Out") != "1" || string(x.ReqBody) != "{}" {
		t.Fatalf("result %+v exchange %+v", res, x)
	}
}

func TestEmptySchedule(t *testing.T) {
	out := Run(ok, &Schedule{Lanes: 3}, quiet())
	noFinding(t, out)
	if len(out.Results) != 0 {
		t.Fatal(out.Results)
	}
	noFinding(t, Run(ok, nil, quiet()))
}
