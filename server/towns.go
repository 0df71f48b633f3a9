package main

// town is a German town or city with the coordinates of its centre, rounded to 0.01°.
// Coordinates from GeoNames (geonames.org, licence CC BY 4.0), rounded.
type town struct {
	name     string
	lat, lng float64
	postal   string // a postal code of the centre, for display
}

var towns = []town{
	{"Berlin", 52.52, 13.40, "10117"}, {"Hamburg", 53.55, 9.99, "20095"}, {"München", 48.14, 11.58, "80331"},
	{"Köln", 50.94, 6.96, "50667"}, {"Frankfurt am Main", 50.11, 8.68, "60311"}, {"Stuttgart", 48.78, 9.18, "70173"},
	{"Düsseldorf", 51.23, 6.78, "40213"}, {"Leipzig", 51.34, 12.37, "04109"}, {"Dortmund", 51.51, 7.47, "44135"},
	{"Essen", 51.46, 7.01, "45127"}, {"Bremen", 53.08, 8.80, "28195"}, {"Dresden", 51.05, 13.74, "01067"},
	{"Hannover", 52.37, 9.73, "30159"}, {"Nürnberg", 49.45, 11.08, "90403"}, {"Duisburg", 51.43, 6.76, "47051"},
	{"Bochum", 51.48, 7.22, "44787"}, {"Wuppertal", 51.26, 7.15, "42103"}, {"Bielefeld", 52.02, 8.53, "33602"},
	{"Bonn", 50.73, 7.10, "53111"}, {"Münster", 51.96, 7.63, "48143"}, {"Mannheim", 49.49, 8.47, "68159"},
	{"Karlsruhe", 49.01, 8.40, "76133"}, {"Augsburg", 48.37, 10.90, "86150"}, {"Wiesbaden", 50.08, 8.24, "65183"},
	{"Mönchengladbach", 51.19, 6.44, "41061"}, {"Gelsenkirchen", 51.51, 7.10, "45879"}, {"Aachen", 50.78, 6.08, "52062"},
	{"Braunschweig", 52.27, 10.52, "38100"}, {"Kiel", 54.32, 10.13, "24103"}, {"Chemnitz", 50.83, 12.92, "09111"},
	{"Halle (Saale)", 51.48, 11.97, "06108"}, {"Magdeburg", 52.13, 11.64, "39104"}, {"Freiburg im Breisgau", 47.99, 7.84, "79098"},
	{"Krefeld", 51.34, 6.59, "47798"}, {"Mainz", 50.00, 8.27, "55116"}, {"Lübeck", 53.87, 10.69, "23552"},
	{"Erfurt", 50.98, 11.03, "99084"}, {"Oberhausen", 51.47, 6.85, "46045"}, {"Rostock", 54.09, 12.10, "18055"},
	{"Kassel", 51.31, 9.50, "34117"}, {"Hagen", 51.36, 7.47, "58095"}, {"Potsdam", 52.39, 13.06, "14467"},
	{"Saarbrücken", 49.23, 7.00, "66111"}, {"Hamm", 51.68, 7.82, "59065"}, {"Ludwigshafen am Rhein", 49.48, 8.44, "67059"},
	{"Oldenburg", 53.14, 8.21, "26122"}, {"Osnabrück", 52.28, 8.05, "49074"}, {"Leverkusen", 51.03, 6.98, "51373"},
	{"Heidelberg", 49.40, 8.67, "69117"}, {"Darmstadt", 49.87, 8.65, "64283"}, {"Regensburg", 49.01, 12.10, "93047"},
	{"Würzburg", 49.79, 9.95, "97070"}, {"Ingolstadt", 48.77, 11.43, "85049"}, {"Ulm", 48.40, 9.99, "89073"},
	{"Göttingen", 51.54, 9.93, "37073"}, {"Wolfsburg", 52.42, 10.79, "38440"}, {"Heilbronn", 49.14, 9.22, "74072"},
	{"Pforzheim", 48.89, 8.70, "75175"}, {"Jena", 50.93, 11.59, "07743"}, {"Trier", 49.75, 6.64, "54290"},
	{"Koblenz", 50.36, 7.59, "56068"}, {"Schwerin", 53.63, 11.41, "19053"}, {"Cottbus", 51.76, 14.33, "03046"},
	{"Flensburg", 54.79, 9.44, "24937"}, {"Passau", 48.57, 13.43, "94032"}, {"Bamberg", 49.89, 10.89, "96047"},
	{"Görlitz", 51.15, 14.99, "02826"}, {"Greifswald", 54.09, 13.38, "17489"}, {"Konstanz", 47.66, 9.18, "78462"},
	{"Siegen", 50.87, 8.02, "57072"},
}
