"""English abstracts written for the overlap tests: two per discipline, so each has an
unrelated text of the same field to tell apart. (discipline, title, abstract)."""

ABSTRACTS_EN = [
    (
        "materials",
        "Grain boundary engineering of nickel superalloys for turbine discs",
        "Turbine discs of aero engines operate under cyclic loads at temperatures above 700 "
        "degrees. Fatigue cracks in nickel superalloys usually start at random high-angle grain "
        "boundaries. This project applies thermomechanical processing to raise the fraction of "
        "special boundaries in powder metallurgy alloys. Electron backscatter diffraction and "
        "in situ synchrotron loading will track crack initiation at the grain scale. A crystal "
        "plasticity model will link the boundary network to fatigue life. The partners in "
        "Shanghai and Wuxi will test full-size disc forgings.",
    ),
    (
        "materials",
        "Self-healing polymer composites for wind turbine blades",
        "Leading edge erosion and delamination shorten the service life of offshore wind turbine "
        "blades. We propose glass fibre composites whose epoxy matrix contains dynamic "
        "disulfide bonds that reconnect after damage. The work will tune the healing "
        "temperature so that repairs can be triggered by embedded heating wires. Mechanical "
        "tests will measure how much interlaminar strength returns after repeated damage. "
        "Accelerated rain erosion trials will compare healed coupons with commercial coatings. "
        "A blade manufacturer in Jiangsu will build a demonstrator section.",
    ),
    (
        "information",
        "Federated learning for privacy-preserving credit scoring across banks",
        "Small enterprises in the delta often lack credit histories that a single bank can "
        "assess. Sharing raw customer data between banks is forbidden by privacy law. This "
        "project develops vertical federated learning protocols that train a joint scoring "
        "model without moving records. Secure aggregation with homomorphic encryption will "
        "protect intermediate gradients. We will study how heterogeneous feature sets at each "
        "bank affect convergence and fairness. A pilot with three city commercial banks will "
        "measure default prediction against current practice.",
    ),
    (
        "information",
        "Energy-efficient scheduling of edge computing for smart factories",
        "Industrial cameras and sensors in smart factories generate data that must be processed "
        "within milliseconds. Sending everything to the cloud adds latency and network cost. "
        "This project designs online scheduling algorithms that place inference tasks on edge "
        "servers while minimising energy use. We model task arrivals with uncertain deadlines "
        "and formulate the placement as a stochastic optimisation problem. Lyapunov methods "
        "will give performance guarantees. The algorithms will be deployed in an electronics "
        "plant in Suzhou.",
    ),
    (
        "medicine",
        "Tumour microenvironment and resistance to immunotherapy in liver cancer",
        "Immune checkpoint inhibitors help only a minority of patients with hepatocellular "
        "carcinoma. The reasons for primary resistance remain poorly understood. This project "
        "will profile tumour samples from responders and non-responders using single-cell RNA "
        "sequencing and spatial transcriptomics. We will identify myeloid cell populations that "
        "suppress T cell infiltration. Candidate pathways will be blocked in mouse models to "
        "test whether sensitivity is restored. The clinical cohort comes from hospitals in "
        "Shanghai, Hangzhou and Hefei.",
    ),
    (
        "medicine",
        "Wearable monitoring of atrial fibrillation in elderly patients",
        "Atrial fibrillation is often silent and is diagnosed only after a stroke. Continuous "
        "monitoring with hospital equipment is impractical for elderly people living at home. "
        "This project develops a wrist-worn device combining photoplethysmography with a "
        "single-lead electrocardiogram. A lightweight neural network on the device will detect "
        "irregular rhythms and filter motion artefacts. A community study with two thousand "
        "participants will compare detection rates with standard screening. We will also "
        "assess how older users accept the device.",
    ),
    (
        "environment",
        "Microplastic transport in the Yangtze estuary",
        "Rivers carry most of the plastic that reaches the ocean, and the Yangtze is among the "
        "largest sources. How microplastics are trapped or released in estuarine sediments is "
        "not well known. This project combines field sampling across salinity gradients with "
        "flume experiments on particle settling. Biofilm growth on particles and its effect on "
        "density will be measured over time. A sediment transport model will estimate the "
        "annual flux to the East China Sea. The results will inform monitoring by the "
        "environmental agencies of the delta.",
    ),
    (
        "environment",
        "Soil heavy metal remediation on former industrial sites",
        "Relocated chemical plants have left many urban sites contaminated with cadmium, lead "
        "and arsenic. Excavation and landfill are costly and move the problem elsewhere. This "
        "project tests combined stabilisation with modified biochar and phytoextraction by "
        "hyperaccumulator plants. We will study how soil pH and organic matter control metal "
        "mobility over three growing seasons. Isotope tracing will distinguish native from "
        "added metal pools. A field trial on a brownfield site in Nanjing will evaluate cost "
        "and risk reduction.",
    ),
    (
        "energy",
        "Sodium-ion batteries for grid storage",
        "Lithium supply constraints make sodium-ion batteries attractive for stationary energy "
        "storage. Their cathodes still suffer from capacity fade caused by phase transitions. "
        "This project designs layered oxide cathodes doped with magnesium and titanium to "
        "suppress harmful transitions. Operando X-ray diffraction will follow structural "
        "changes during cycling. We will also develop hard carbon anodes from agricultural "
        "waste. Pouch cells will be tested for cycle life and safety with a battery maker in "
        "Anhui.",
    ),
    (
        "energy",
        "Hydrogen production by solid oxide electrolysis coupled with nuclear heat",
        "Solid oxide electrolysis splits steam at high temperature with less electricity than "
        "low temperature electrolysers. Coupling it with heat from nuclear plants could produce "
        "low-carbon hydrogen at scale. This project studies degradation of the oxygen "
        "electrode under long-term operation. We will develop new perovskite electrodes with "
        "exsolved nanoparticles. A system model will optimise heat integration between the "
        "reactor and the stack. A ten kilowatt stack will be operated for two thousand hours.",
    ),
    (
        "agriculture",
        "Precision irrigation of tea plantations with remote sensing",
        "Tea plantations on the hills of Zhejiang and Anhui face more frequent summer droughts. "
        "Farmers irrigate by experience, wasting water in some plots while others suffer. This "
        "project estimates canopy water stress from drone thermal imagery and soil moisture "
        "sensors. A crop model will be calibrated for the main tea cultivars of the region. "
        "Variable rate drip irrigation will be scheduled from the model forecasts. Trials will "
        "measure water saving, leaf yield and the quality of the processed tea.",
    ),
    (
        "agriculture",
        "Genomic selection for disease resistance in freshwater crayfish",
        "Crayfish farming in rice fields has grown rapidly along the middle and lower Yangtze. "
        "White spot syndrome virus causes heavy losses each summer. This project builds a "
        "reference genome and a dense marker panel for the red swamp crayfish. Challenge "
        "experiments on families will record survival after infection. Genomic prediction "
        "models will estimate breeding values for resistance. A breeding nucleus in Jiangsu "
        "will use the results to release more resistant lines.",
    ),
    (
        "marine",
        "Autonomous underwater vehicles for offshore pipeline inspection",
        "Subsea pipelines in the East China Sea need regular inspection for corrosion and free "
        "spans. Inspection with remotely operated vehicles is slow and depends on support "
        "ships. This project develops an autonomous underwater vehicle that follows pipelines "
        "using sonar and magnetic sensing. We will design navigation that remains accurate "
        "when acoustic positioning is lost. Deep learning will detect anomalies in sonar "
        "images. Sea trials near Zhoushan will test a full inspection mission.",
    ),
    (
        "marine",
        "Blue carbon storage in coastal salt marshes",
        "Salt marshes store carbon in their sediments at high rates per unit area. Land "
        "reclamation and invasive cordgrass have changed the marshes along the coast of the "
        "delta. This project measures carbon burial with sediment cores and radionuclide "
        "dating at restored and natural sites. Eddy covariance towers will record carbon "
        "exchange with the atmosphere. We will assess how sea level rise affects future "
        "storage. The results will support carbon accounting for coastal restoration.",
    ),
    (
        "manufacturing",
        "Laser powder bed fusion of titanium lattice implants",
        "Porous titanium implants promote bone ingrowth, but printing defects reduce their "
        "fatigue strength. This project studies how laser power and scan strategy create "
        "porosity in thin struts. In situ monitoring with high-speed cameras will detect melt "
        "pool instabilities during printing. We will build a process map that keeps defects "
        "below a critical size. Fatigue tests of lattice samples will validate the map. A "
        "medical device company in Changzhou will produce prototype spinal cages.",
    ),
    (
        "manufacturing",
        "Predictive maintenance of machine tools from vibration signals",
        "Unexpected spindle failures stop production lines and damage workpieces. Maintenance "
        "is usually scheduled at fixed intervals regardless of condition. This project records "
        "vibration and current signals from machine tools in several factories. We will train "
        "models that estimate remaining useful life and transfer across machine types. "
        "Uncertainty estimates will help planners decide when to intervene. The system will be "
        "tested on production machines in Ningbo for one year.",
    ),
    (
        "chemistry",
        "Metal-organic frameworks for capturing carbon dioxide from flue gas",
        "Capturing carbon dioxide from power plant flue gas with amine solvents consumes much "
        "energy for regeneration. Metal-organic frameworks offer tunable pores that bind carbon "
        "dioxide selectively. This project synthesises water-stable frameworks with amine "
        "functional groups. Breakthrough experiments will measure capacity under humid "
        "conditions. Computational screening will guide the choice of linkers. We will shape "
        "the best materials into pellets and test them in a pilot column.",
    ),
    (
        "chemistry",
        "Photocatalytic degradation of antibiotics in wastewater",
        "Antibiotic residues in wastewater spread resistance genes in the environment. "
        "Conventional treatment plants remove them only partly. This project develops "
        "graphitic carbon nitride photocatalysts with single metal atoms that work under "
        "visible light. We will identify the reactive species and degradation pathways with "
        "mass spectrometry. Toxicity of the intermediate products will be tested. A "
        "continuous flow reactor will treat effluent from a pharmaceutical park.",
    ),
    (
        "transport",
        "Cooperative control of connected vehicles at signalised intersections",
        "Intersections are the bottleneck of urban road networks. Connected vehicles can share "
        "their speed and position with traffic signals in real time. This project designs "
        "cooperative control that adjusts signal timing and vehicle trajectories together. "
        "Mixed traffic with human drivers will be modelled explicitly. We will prove stability "
        "of the controller and test it in simulation of Hangzhou corridors. A field "
        "demonstration on a test road will measure delay and fuel savings.",
    ),
    (
        "transport",
        "Structural health monitoring of long-span cable-stayed bridges",
        "Long-span cable-stayed bridges across the Yangtze are exposed to typhoons, heavy trucks "
        "and corrosion of cables. Existing monitoring systems collect large amounts of data "
        "that are rarely analysed. This project develops methods to detect cable tension loss "
        "and damage from vibration records. Physics-informed machine learning will separate "
        "environmental effects from structural change. We will validate the methods on the "
        "monitoring data of two bridges in Jiangsu.",
    ),
]

# Light rewording for the paraphrase variant: word for word, as a careless applicant would.
SYNONYMS_EN = {
    "This project": "The proposed work",
    "We will": "The team will",
    "develops": "builds",
    "designs": "creates",
    "study": "investigate",
    "studies": "investigates",
    "measure": "quantify",
    "model": "framework",
    "test": "evaluate",
    "tested": "evaluated",
    "methods": "techniques",
    "results": "findings",
    "large": "substantial",
    "often": "frequently",
    "remain": "stay",
}
