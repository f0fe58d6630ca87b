"""Test data the project makes itself: random valid reports, as the text users copy, with damage.

* :mod:`~gongkai.synth.generate`: random valid reports (the truth), both editions;
  :mod:`~gongkai.synth.names` and :mod:`~gongkai.synth.prose` give them agencies and prose.
* :mod:`~gongkai.synth.printed`: a report laid out as the official forms print it.
* :mod:`~gongkai.synth.layouts`: that printout as text in the layouts of real copies.
* :mod:`~gongkai.synth.damage`: extraction damage, recorded.
* :mod:`~gongkai.synth.case`: one seed → truth, text and bytes; :mod:`~gongkai.synth.compare`
  scores a reader against the truth; :mod:`~gongkai.synth.hunt` searches for reader failures.
* :mod:`~gongkai.synth.make_samples`: the bundled samples in ``gongkai/samples``.
"""
