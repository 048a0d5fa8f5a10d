"""The chart builder's logic, free of callbacks: sources and their fields (source.py), the form read into a chart
(form.py), the chart built for one actor through the one door (chart.py), a chart's titles and filter sentence in words (words.py), what a user may build from and save to
(sources.py) and a saved query's rows as chart series (querychart.py). callbacks/builder.py and
callbacks/boardtiles.py adapt them to the page."""
